import time


def rule(context, subject):
    while True:  # the failure under test: never returns (sleeps, so it costs no CPU)
        time.sleep(0.05)
