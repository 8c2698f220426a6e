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
