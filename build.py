"""Build content/ into site/: `python build.py [--content DIR] [--output DIR] [--config FILE] [--base-url URL]`."""

import sys

from wardsite.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
