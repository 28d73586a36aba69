def rule(context, subject):
    return []
