def make(results, out): pass
