# Reference p-values for tests/unit/test_stats.c: the exact two-sided
# permutation test on mid-ranks by brute-force enumeration of every split.
from itertools import combinations
from fractions import Fraction
def midranks(v):
    s = sorted(v); r = {}
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]: j += 1
        r[s[i]] = Fraction(i + 1 + j, 2); i = j
    return [r[a] for a in v]
def perm_p(x, y):
    pool = list(x) + list(y); rk = midranks(pool); n = len(pool); m = len(x)
    obs = sum(rk[:m]); mean = Fraction(m) * sum(rk) / n
    far = tot = 0
    for c in combinations(range(n), m):
        s = sum(rk[i] for i in c); tot += 1
        if abs(s - mean) >= abs(obs - mean): far += 1
    return Fraction(far, tot), obs - Fraction(m*(m+1), 2)
def holm(p):
    m = len(p); o = sorted(range(m), key=lambda i: p[i]); adj = [0]*m; run = 0
    for k, i in enumerate(o):
        run = max(run, min(1, (m - k) * p[i])); adj[i] = run
    return adj
for name, x, y in [
    ("shier", [19,22,16,29,24], [20,11,17,12]),
    ("shier-tie", [20,11,16,12], [19,22,16,29,24]),
    ("ties", [1,2,2,3,5,8], [2,3,4,4,6,7,9]),
    ("runs-2v2-tied", [5,5], [5,7]),
    ("runs-3v3-tied", [0,0,0], [0,0,4]),
    ("runs-3v3-sep-ties", [10,10,12], [20,20,25]),
    ("10v10", [11+2*i for i in range(10)], [20+2*i for i in range(10)]),
]:
    p, u = perm_p(x, y)
    print(name, "U1 =", u, "p =", p, "=", repr(float(p)))
print("holm", holm([0.01, 0.04, 0.03, 0.005]))
import statistics, math
