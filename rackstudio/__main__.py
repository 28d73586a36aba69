import sys

from rackstudio.cli import main

sys.exit(main())
