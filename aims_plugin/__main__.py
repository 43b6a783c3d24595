from .hosts.cli import run

run()
