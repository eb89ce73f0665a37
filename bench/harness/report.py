def table(results):
    return "(table)"
