from .hosts.cli import main

main()
