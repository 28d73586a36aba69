import os

os._exit(3)  # the failure under test: ends whatever process imports it, at once


def rule(context, subject):
    return []
