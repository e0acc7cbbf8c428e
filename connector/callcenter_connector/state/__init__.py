"""The pure call and agent state machine: events and time in, facts out."""
