"""Benchmarks run by `python -m bot bench NAME`; each module has HELP, add_arguments(parser) and run(args)."""
