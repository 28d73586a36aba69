import sys

if sys.argv[1:2] == ["--plugin-worker"]:  # the frozen app starting its plugin worker (plugins/process.py)
    from rackstudio.plugins.worker import main as worker

    sys.exit(worker())

from rackstudio.cli import main  # noqa: E402

sys.exit(main())
