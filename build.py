"""Build content/ into site/: `python build.py [--content DIR] [--output DIR] [--config FILE] [--base-url URL]`."""

import sys

from wardsite.cli import run

if __name__ == "__main__":
    run(["build", *sys.argv[1:]])
