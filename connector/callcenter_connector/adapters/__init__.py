"""I/O at the edges: the AMI client, the FastAGI server, Odoo's JSON-RPC, commands from Odoo."""
