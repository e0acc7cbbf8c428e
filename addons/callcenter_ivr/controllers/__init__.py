from . import callcenter
