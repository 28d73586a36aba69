from rackstudio.plugins.api import Hit


def rule(context, subject):
    # the failure under test: 100,000 findings for every subject
    for i in range(100_000):
        yield Hit(f"finding {i} on {subject}", (subject,), {"i": i}, aspect=str(i))
