"""Exact wei -> USD micros arithmetic in Bloblang.

Bloblang numbers are int64 or float64, and a fee of 10^24 wei times a price does not fit
either. These maps multiply decimal digit strings in base-10^6 limbs (every partial sum stays
below 2^53, so int64 and float64 agree) and divide by a power of ten by cutting digits, so the
result is the exact decimal product rounded once.

Rounding mode: ROUND_HALF_EVEN (banker's rounding) of the exact value, i.e. Python's
`Decimal.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)`. It has no upward bias when summed
over many events. Results above 18 digits (>= 10^18 micros) are refused as out of range.
"""

from __future__ import annotations

# `.int64()` reads a string with a leading zero as octal: limbs are parsed with `.number()`
# (exact below 2^53) and `.int64()` only sees digit strings with their leading zeros removed.
FEE_MATH_MAPS = r"""
# Digit string -> base-10^6 limbs, least significant first.
map limbs {
  let p = "00000".slice(0, (6 - this.length() % 6) % 6) + this
  let n = $p.length()
  root = range(0, ($n / 6).int64()).map_each(
    i -> $p.slice($n - 6 * (i + 1), $n - 6 * i).number().int64()
  )
}

# {"a": digits, "b": digits} -> their exact product as digits (no leading zeros).
map multiply {
  root = if this.b.length() <= 9 { this.apply("multiply_small") } else {
    this.apply("multiply_limbs")
  }
}

# Fast path for b < 10^9 (prices and multipliers with up to 9 significant digits): a in 9-digit
# chunks, least significant first; chunk * b + carry < 10^18 + 10^9 stays an exact int64, and
# the carry is cut off as digits, never divided.
map multiply_small {
  let a = "00000000".slice(0, (9 - this.a.length() % 9) % 9) + this.a
  let n = $a.length()
  let b = this.b.number().int64()
  let out = range(0, ($n / 9).int64()).fold({"digits": "", "carry": 0}, acc -> {
    "chunk": $a.slice($n - 9 * (acc.value + 1), $n - 9 * acc.value).number().int64(),
    "b": $b,
    "tally": acc.tally
  }.apply("multiply_chunk"))
  root = ($out.carry.string() + $out.digits).re_replace_all("^0+([0-9])", "$1")
}

map multiply_chunk {
  let v = "000000000" + (this.chunk * this.b + this.tally.carry).string()
  root = {"digits": $v.slice(-9) + this.tally.digits, "carry": $v.slice(0, -9).number().int64()}
}

map multiply_limbs {
  let a = this.a.apply("limbs")
  let b = this.b.apply("limbs")
  # Column k sums a[i] * b[k - i]: below 5 * 10^12 for the sizes allowed, exact either way.
  let columns = range(0, $a.length() + $b.length() - 1).map_each(
    k -> range(0, $a.length()).filter(i -> k - i >= 0 && k - i < $b.length()).map_each(
      i -> $a.index(i) * $b.index(k - i)
    ).sum()
  )
  # Carry propagation, least significant column first, emitting six digits per column.
  let out = $columns.fold({"digits": "", "carry": 0}, acc -> {
    "digits": ("00000" + ((acc.tally.carry + acc.value) % 1000000).string()).slice(-6) +
      acc.tally.digits,
    "carry": ((acc.tally.carry + acc.value - (acc.tally.carry + acc.value) % 1000000) /
      1000000).int64()
  })
  root = ($out.carry.string() + $out.digits).re_replace_all("^0+([0-9])", "$1")
}

# {"digits": digits, "scale": n} -> digits / 10^n as an int64, rounded half to even.
map round_half_even {
  let p = if this.scale > 60 { throw("scale %v is out of range".format(this.scale)) } else {
    "0000000000000000000000000000000000000000000000000000000000000".slice(0, this.scale + 1) +
      this.digits
  }
  let cut = $p.length() - this.scale
  let q = $p.slice(0, $cut).re_replace_all("^0+([0-9])", "$1")
  let r = $p.slice($cut) + "0"
  let first = $r.slice(0, 1).number()
  let above_half = $first > 5 || ($first == 5 && $r.slice(1).re_match("[1-9]"))
  let exactly_half = $first == 5 && !$r.slice(1).re_match("[1-9]")
  let up = $above_half || ($exactly_half && $q.slice(-1).number() % 2 == 1)
  root = if $q.length() > 18 {
    throw("amount of %v digits of USD micros is out of range".format($q.length()))
  } else if $up { $q.int64() + 1 } else { $q.int64() }
}

# Plain positive decimal string -> {"digits": all digits, "scale": digits after the point}.
map decimal {
  root = if !this.re_match("^[0-9]+(\\.[0-9]+)?$") || !this.re_match("[1-9]") {
    throw("%q is not a positive decimal number".format(this))
  } else {
    {"digits": this.replace_all(".", ""), "scale": (this.split(".").index(1) | "").length()}
  }
}
"""


# Fast paths compute the same exact, once-rounded amount as the maps above for
# x = fee * C / 10^k, where C is the price digits (network fee) or the price digits times the
# multiplier digits (billable) and k = 12 + the scales. All values are non-negative.
#
# 1. Float, inline, for C < 2^53 and k <= 18 (C and 10^k are exact int64 and float64 values):
#    y = float(fee) * C / 10^k is three correctly rounded operations, so |y - x| <= 3.4e-16 * x.
#    When y < 10^14 and y's distance to the nearest half-integer, |frac(y) - 0.5|, exceeds
#    10^-15 * y (at least twice that error bound, and below 0.1), no half-integer lies between
#    x and y: the nearest integer to y is the nearest integer to x, and it is not a tie, so
#    `y.round()` is round-half-even(x). frac(y) = y - floor(y) is exact below 2^52.
#    Otherwise (a tie or nearly one, or a large amount) the exact paths decide.
# 2. The `product_round_exact` map, exact integer arithmetic for C < 10^18 and 12 <= k <= 27:
#    a. for fee < 10^18 and C < 10^9: fee = a1 * 10^9 + a0, so fee * C = c1 * 10^9 + d0 with
#       c0 = a0 * C < 10^18, d0 = c0 % 10^9, c1 = a1 * C + (c0 - d0) / 10^9 < 10^18 + 10^9, all
#       exact int64; (c0 - d0) is a multiple of 10^9 (so of 2^9) below 2^62, which float64 holds
#       exactly, so the division is exact. With j = k - 9 (3..18), r = c1 % 10^j and
#       q = (c1 - r) / 10^j: the float quotient is within 0.2 of the integer q <= 10^15 (the
#       numerator's conversion errs by at most 111, divided by at least 10^3, plus half an ulp
#       of q), so `.round()` gives q exactly. The remainder r * 10^9 + d0 is compared with
#       5 * 10^(j-1) * 10^9: up when r > 5 * 10^(j-1), or equal and (d0 > 0 or q is odd).
#    b. else, for fee < 10^27: base-10^9 limbs (a2 a1 a0, b1 b0); each column sum stays below
#       2 * 10^18 + 10^10 < 2^62 and its carry divides a multiple of 10^9 below 2^62, exact as
#       above. The product is written as 45 fixed-width digits and cut at k: the quotient's top
#       27 - k digits must be zeros (< 10^18 micros) and its last 18 are read as an int64
#       behind a leading "1" (`.int64()` reads a leading zero as octal); the remainder is
#       compared with 5 * 10^(k-1) as equal-length digit strings.
#    It returns null when neither applies or the amount is out of range.
# 3. Otherwise the maps above, which also refuse what is out of range, with their messages.
FAST_MAPS = r"""
# {"fee": digits, "b0": int, "b1": int, "k": int} -> round(fee * (b1 * 10^9 + b0) / 10^k) or null.
map product_round_exact {
  let k = this.k
  let b0 = this.b0
  let b1 = this.b1
  let ok = $k >= 12 && $k <= 27 && $b0 >= 0 && $b0 < 1000000000 && $b1 >= 0 &&
    $b1 < 1000000000
  let f = ("000000000000000000000000000" + this.fee).slice(-27)
  let a2 = $f.slice(0, 9).number().int64()
  let a1 = $f.slice(9, 18).number().int64()
  let a0 = $f.slice(18).number().int64()
  let small = $ok && $b1 == 0 && this.fee.length() <= 18
  let pj = if $ok { [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
    10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
    1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000
  ].index($k - 9) } else { 1000 }
  let half = ($pj / 2).int64()
  let c0 = $a0 * $b0
  let d0 = $c0 % 1000000000
  let c1 = $a1 * $b0 + $a0 * $b1 + (($c0 - $d0) / 1000000000).int64()
  let r_small = $c1 % $pj
  let q_small = (($c1 - $r_small) / $pj).round().int64()
  let d1 = $c1 % 1000000000
  let c2 = $a2 * $b0 + $a1 * $b1 + (($c1 - $d1) / 1000000000).int64()
  let d2 = $c2 % 1000000000
  let c3 = $a2 * $b1 + (($c2 - $d2) / 1000000000).int64()
  let digits = ("000000000000000000" + $c3.string()).slice(-18) +
    ("00000000" + $d2.string()).slice(-9) + ("00000000" + $d1.string()).slice(-9) +
    ("00000000" + $d0.string()).slice(-9)
  let cut = if $ok { 45 - $k } else { 18 }
  let q = $digits.slice(0, $cut)
  let r = $digits.slice($cut)
  let half_digits = "500000000000000000000000000".slice(0, 45 - $cut)
  root = if $small {
    if $r_small > $half || ($r_small == $half && ($d0 > 0 || $q_small % 2 == 1)) {
      $q_small + 1
    } else { $q_small }
  } else if !$ok || this.fee.length() > 27 || $c3 >= 1000000000000000000 ||
    $q.slice(0, $cut - 18) != "000000000000000".slice(0, $cut - 18) {
    null
  } else if $r > $half_digits || ($r == $half_digits && $q.slice(-1).number() % 2 == 1) {
    ("1" + $q.slice(-18)).int64() - 999999999999999999
  } else {
    ("1" + $q.slice(-18)).int64() - 1000000000000000000
  }
}
"""

FLOAT_CONSTANT_LIMIT = 2**53
FLOAT_MAX_SCALE = 18
FAST_CONSTANT_LIMIT = 10**18
FAST_MIN_SCALE = 12
FAST_MAX_SCALE = 27


def fast_constants(constant: int, scale: int) -> dict[str, int | bool]:
    """Constants of both fast paths for fee * constant / 10^scale (ok False: not applicable)."""
    float_ok = constant < FLOAT_CONSTANT_LIMIT and scale <= FLOAT_MAX_SCALE
    exact_ok = constant < FAST_CONSTANT_LIMIT and FAST_MIN_SCALE <= scale <= FAST_MAX_SCALE
    return {
        "c": constant if float_ok else 0,
        "p": 10**scale if float_ok else 1,
        "float_ok": float_ok,
        "b0": constant % 10**9 if exact_ok else 0,
        "b1": constant // 10**9 if exact_ok else 0,
        "k": scale if exact_ok else FAST_MAX_SCALE,
        "exact_ok": exact_ok,
    }


def fast_amount(
    target: str,
    *,
    c: str,
    p: str,
    float_ok: str,
    exact: str | None,
    exact_ok: str,
    general: str,
) -> str:
    """Bloblang setting `$<target>`: the amount by the float path, the exact map or `general`.

    `c`, `p` (10^k) and `float_ok` are the float path's Bloblang expressions (literals when the
    price is static; `p` must not be zero even when `float_ok` is false); `exact` is the
    `product_round_exact` input object (None: never applicable) and `exact_ok` when it applies;
    `general` the general maps' expression. Needs $fee and $fee_f (float(fee)); sets the
    temporary $y. The exact map runs only when the float path does not decide (twice then: no
    variable is spent on that rare path).
    """
    test = "$y < 100000000000000 && ($y - $y.floor() - 0.5).abs() > $y * 0.000000000000001"
    if float_ok != "true":
        test = f"{float_ok} && {test}"
    if exact is None:
        other = general
    else:
        call = f'{exact}.apply("product_round_exact")'
        guard = "" if exact_ok == "true" else f"{exact_ok} && "
        other = f"if {guard}{call} != null {{\n  {call}\n}} else {{\n{_indent(general)}\n}}"
    return (
        f"let y = $fee_f * {c} / {p}\n"
        f"let {target} = if {test} {{\n"
        "  $y.round().int64()\n"
        "} else {\n"
        f"{_indent(other)}\n"
        "}\n"
    )


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
