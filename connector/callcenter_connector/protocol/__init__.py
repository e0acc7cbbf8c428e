"""Wire formats of Asterisk's AMI and AGI: bytes in, messages out, no I/O."""
