import rackstudio_no_such_module  # noqa: F401 - the failure under test


def rule(context, subject):
    return []
