"""``python -m bench``: run the load benchmarks (see ``bench.run``)."""

from bench.run import main

if __name__ == "__main__":
    main()
