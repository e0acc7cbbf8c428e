"""CATI dialing (connector/CATI.md): pure pacing, its simulation, and the runtime."""
