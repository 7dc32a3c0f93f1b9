"""seg for Python: customer-segment rules over CRM exports, through libseg.

    import seg
    r = seg.run("rules.seg", "customers.csv", today="2026-11-23",
                tables={"orders": "orders.csv"})
    r.counts                    # {"frequent": 181, ...} in file order
    r.members("frequent")       # the key (first column) of each member
    r.measures["vip"]           # {"revenue": 12345.5, ...} where there are measures
    r.to_dataframe()            # pandas, when it is installed

ctypes over libseg.so.0 (the standard library only): the library is found
through $SEG_LIB, else three folders up when the module is installed
(PREFIX/lib/python3*/dist-packages/seg -> PREFIX/lib/libseg.so.0, so a staged
or moved tree loads its own library), else the dynamic loader's path, else
../../build/libseg.so.0 next to a source tree.  seg.library() names the one
loaded.  A mistake in the rules
raises seg.RulesError with every diagnostic; a file that cannot be read,
seg.Error.
"""
import ctypes
import os

__all__ = ["run", "Result", "Error", "RulesError", "Diagnostic", "version", "library"]


class Error(Exception):
    """A file could not be read or the run failed."""


class Diagnostic:
    def __init__(self, code, is_error, line, column, message):
        self.code, self.is_error, self.line, self.column, self.message = code, is_error, line, column, message

    def __repr__(self):
        return "%s:%d:%d: %s [%s]" % ("error" if self.is_error else "warning", self.line, self.column,
                                      self.message, self.code)


class RulesError(Error):
    """The rules do not compile; .diagnostics lists every finding."""

    def __init__(self, message, diagnostics):
        super().__init__(message + "".join("\n  " + repr(d) for d in diagnostics))
        self.diagnostics = diagnostics


class _Diag(ctypes.Structure):
    _fields_ = [("code", ctypes.c_char_p), ("is_error", ctypes.c_int), ("line", ctypes.c_int),
                ("column", ctypes.c_int), ("end_line", ctypes.c_int), ("end_column", ctypes.c_int),
                ("message", ctypes.c_char_p)]


_lib = None
_lib_name = None


def _load():
    global _lib, _lib_name
    if _lib is not None:
        return _lib
    here = os.path.dirname(os.path.abspath(__file__))
    installed = os.path.normpath(os.path.join(here, "..", "..", "..", "libseg.so.0"))
    names = [os.environ.get("SEG_LIB"),
             installed if os.path.isfile(installed) else None,
             "libseg.so.0",
             os.path.join(here, "..", "..", "build", "libseg.so.0")]
    last = None
    for n in names:
        if not n:
            continue
        try:
            lib = ctypes.CDLL(n)
            break
        except OSError as e:
            last = e
    else:
        raise Error("libseg.so.0 not found (set SEG_LIB): %s" % last)
    _lib_name = n
    P, S, C = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p
    sig = {
        "seg_version": ([], C),
        "seg_data_open": ([C, ctypes.POINTER(P), C, S], ctypes.c_int),
        "seg_data_add_table": ([P, C, C, C, S], ctypes.c_int),
        "seg_data_rows": ([P], S),
        "seg_data_cell": ([P, S, S, C, S], ctypes.c_long),
        "seg_data_column": ([P, C], ctypes.c_long),
        "seg_data_close": ([P], None),
        "seg_rules_compile": ([C, S, C, P, C, ctypes.POINTER(P), C, S], ctypes.c_int),
        "seg_rules_diagnostics": ([P], S),
        "seg_rules_diagnostic": ([P, S], ctypes.POINTER(_Diag)),
        "seg_rules_free": ([P], None),
        "seg_run": ([P, P, ctypes.POINTER(P), C, S], ctypes.c_int),
        "seg_results_segments": ([P], S),
        "seg_results_name": ([P, S], C),
        "seg_results_count": ([P, S], ctypes.c_uint64),
        "seg_results_measures": ([P], S),
        "seg_results_measure_name": ([P, S], C),
        "seg_results_measure": ([P, S, S, ctypes.POINTER(ctypes.c_double)], ctypes.c_int),
        "seg_results_next": ([P, S, ctypes.POINTER(S)], ctypes.c_int),
        "seg_results_free": ([P], None),
    }
    for name, (args, res) in sig.items():
        f = getattr(lib, name)
        f.argtypes, f.restype = args, res
    _lib = lib
    return lib


def version():
    return _load().seg_version().decode()


def library():
    """The libseg.so.0 this module loaded (as it was asked for: a path,
    or the bare soname when the dynamic loader found it)."""
    _load()
    return _lib_name


class Result:
    """The counts, measures and members of one run (read eagerly: no
    handle outlives run())."""

    def __init__(self, counts, measures, members):
        self.counts = counts
        self.measures = measures
        self._members = members

    def members(self, segment):
        return list(self._members[segment])

    def to_dataframe(self):
        """One row a segment in file order: segment, customers, then each
        measure (NaN where seg run leaves the cell empty); pandas needed."""
        import pandas  # optional
        names = list(next(iter(self.measures.values()), {}))
        rows = [[s, n] + [self.measures.get(s, {}).get(m) for m in names] for s, n in self.counts.items()]
        df = pandas.DataFrame(rows, columns=["segment", "customers"] + names)
        df["customers"] = df["customers"].astype("int64")
        for m in names:
            df[m] = df[m].astype("float64")
        return df


def run(rules, data, today=None, tables=None, key=None):
    """Runs the rules file `rules` over `data` (a CSV export or .segcol);
    tables: {name: path} of event tables; key: the column whose values
    members() returns (default: the first)."""
    lib = _load()
    err = ctypes.create_string_buffer(1024)
    d, r, res = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    with open(rules, "rb") as f:
        text = f.read()
    try:
        if lib.seg_data_open(os.fsencode(data), ctypes.byref(d), err, len(err)):
            raise Error(err.value.decode(errors="replace"))
        for name, path in (tables or {}).items():
            if lib.seg_data_add_table(d, name.encode(), os.fsencode(path), err, len(err)):
                raise Error(err.value.decode(errors="replace"))
        rc = lib.seg_rules_compile(text, len(text), os.fsencode(rules), d, today.encode() if today else None,
                                   ctypes.byref(r), err, len(err))
        if rc:
            diags = []
            for i in range(lib.seg_rules_diagnostics(r) if r.value else 0):
                g = lib.seg_rules_diagnostic(r, i).contents
                diags.append(Diagnostic(g.code.decode(), bool(g.is_error), g.line, g.column,
                                        g.message.decode(errors="replace")))
            msg = err.value.decode(errors="replace")
            if rc == 1:
                raise RulesError(msg, diags)
            raise Error(msg)
        if lib.seg_run(r, d, ctypes.byref(res), err, len(err)):
            raise Error(err.value.decode(errors="replace"))
        kcol = 0
        if key is not None:
            kcol = lib.seg_data_column(d, key.encode())
            if kcol < 0:
                raise Error("no column '%s' in %s" % (key, data))
        counts, measures, members = {}, {}, {}
        nm = lib.seg_results_measures(res)
        buf = ctypes.create_string_buffer(4096)
        for s in range(lib.seg_results_segments(res)):
            name = lib.seg_results_name(res, s).decode()
            counts[name] = lib.seg_results_count(res, s)
            if nm:
                vals = {}
                for m in range(nm):
                    v = ctypes.c_double()
                    vals[lib.seg_results_measure_name(res, m).decode()] = \
                        v.value if lib.seg_results_measure(res, s, m, ctypes.byref(v)) == 0 else None
                measures[name] = vals
            keys, row = [], ctypes.c_size_t(ctypes.c_size_t(-1).value)
            while lib.seg_results_next(res, s, ctypes.byref(row)):
                n = lib.seg_data_cell(d, kcol, row.value, buf, len(buf))
                keys.append(buf.value.decode(errors="replace") if n >= 0 else None)
            members[name] = keys
        return Result(counts, measures, members)
    finally:
        if res.value:
            lib.seg_results_free(res)
        if r.value:
            lib.seg_rules_free(r)
        if d.value:
            lib.seg_data_close(d)

