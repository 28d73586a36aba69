def rule(context, subject):
    return 42
