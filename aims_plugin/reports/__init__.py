"""Pure functions from a Register to plain tables: no I/O, no HTML."""
