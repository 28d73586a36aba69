def rule(context, subject):
    yield from ()
    raise ZeroDivisionError("rule bug")
