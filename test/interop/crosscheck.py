#!/usr/bin/env python3
"""Independent cross-check of lattice-gauge's NERSC, ILDG/LIME and HDF5 files.

Written from the formats' descriptions (the NERSC archive header, Grid's NerscIO.h and
BinaryIO.h conventions, the LIME 1.2 record header, the ILDG ildg-format record, the SciDAC
checksum), with numpy, zlib, struct and xml.etree only, plus h5py for the HDF5 ensembles.
It shares no code with the TypeScript readers and writers it checks.

    crosscheck.py write DIR   writes NERSC and ILDG files into DIR, with DIR/python.json
                                    listing each file, its lattice, plaquette and link trace,
                                    and DIR/<file>.f64: the links as stored, in lattice-gauge's
                                    layout (float64 little-endian)
    crosscheck.py read DIR    reads the files DIR/ours.json lists (written by
                                    lattice-gauge), checks their checksums, plaquette and link
                                    trace, and prints what it computed as JSON

Exit status 0 when every check passes; 1 with a message on stderr otherwise.
"""

import json
import struct
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import numpy as np

LIME_MAGIC = 0x456789AB
ILDG_NS = {"ildg": "http://www.lqcd.org/ildg"}


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


# ----------------------------------------------------------------------------- fields


def random_field(dims, n_colours, seed, epsilon=0.6):
    """Links exp(i eps H), H hermitian traceless Gaussian: SU(N), rough but not random.

    Returns an array of shape (V, D, N, N) complex128, sites x-fastest (lattice-gauge layout).
    """
    rng = np.random.default_rng(seed)
    volume = int(np.prod(dims))
    count = volume * len(dims)
    a = rng.normal(size=(count, n_colours, n_colours)) + 1j * rng.normal(
        size=(count, n_colours, n_colours)
    )
    h = (a + np.conj(np.swapaxes(a, -1, -2))) / 2
    h -= np.trace(h, axis1=-2, axis2=-1)[:, None, None] * np.eye(n_colours) / n_colours
    w, v = np.linalg.eigh(h)
    u = v @ (np.exp(1j * epsilon * w)[..., None] * np.conj(np.swapaxes(v, -1, -2)))
    return u.reshape(volume, len(dims), n_colours, n_colours)


def reconstruct_last_row(u):
    """The compressed NERSC format keeps N-1 rows; rebuild the last (SU(3): conj(r0 x r1))."""
    n_colours = u.shape[-1]
    full = np.array(u)
    if n_colours == 3:
        full[..., 2, :] = np.conj(np.cross(u[..., 0, :], u[..., 1, :]))
    else:
        full[..., 1, 0] = -np.conj(u[..., 0, 1])
        full[..., 1, 1] = np.conj(u[..., 0, 0])
    return full


def plaquette(u, dims):
    """<(1/N) Re tr U_mu(x) U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+> over sites and planes mu < nu."""
    n_colours = u.shape[-1]
    d = len(dims)
    ux = u.reshape(tuple(reversed(dims)) + (d, n_colours, n_colours))

    def shift(a, mu):  # a(x + mu-hat), periodic; axis of x_mu is d-1-mu
        return np.roll(a, -1, axis=d - 1 - mu)

    def dagger(a):
        return np.conj(np.swapaxes(a, -1, -2))

    values = []
    for mu in range(d):
        for nu in range(mu + 1, d):
            a, b = ux[..., mu, :, :], ux[..., nu, :, :]
            up = a @ shift(b, mu) @ dagger(shift(a, nu)) @ dagger(b)
            values.append(np.trace(up, axis1=-2, axis2=-1).real.mean() / n_colours)
    return float(np.mean(values))


def link_trace(u):
    """sum Re tr U / (D N V): Grid's linkTrace, NERSC LINK_TRACE."""
    return float(np.trace(u, axis1=-2, axis2=-1).real.mean() / u.shape[-1])


def to_ours(u):
    """The links as lattice-gauge holds them: [site][mu][row][col][re, im] float64."""
    return np.stack([u.real, u.imag], axis=-1).astype("<f8")


# ----------------------------------------------------------------------------- checksums


def nersc_checksum(payload, byte_order):
    """Sum of the payload's 32-bit words (in the numbers' byte order) modulo 2^32."""
    words = np.frombuffer(payload, dtype=byte_order + "u4")
    return int(words.sum(dtype=np.uint64) % (1 << 32))


def scidac_checksum(payload, site_bytes):
    """crc32 of each site's bytes, rotated by rank mod 29 / 31 and XORed into suma / sumb."""
    suma = sumb = 0
    for rank in range(len(payload) // site_bytes):
        crc = zlib.crc32(payload[rank * site_bytes : (rank + 1) * site_bytes]) & 0xFFFFFFFF
        ra, rb = rank % 29, rank % 31
        suma ^= ((crc << ra) | (crc >> (32 - ra))) & 0xFFFFFFFF
        sumb ^= ((crc << rb) | (crc >> (32 - rb))) & 0xFFFFFFFF
    return suma, sumb


# ----------------------------------------------------------------------------- NERSC


def write_nersc(path, u, dims, two_row, precision, byte_order):
    n_colours = u.shape[-1]
    d = len(dims)
    rows = n_colours - 1 if two_row else n_colours
    stored = u[..., :rows, :]
    real = np.float64 if precision == 64 else np.float32
    flat = np.stack([stored.real, stored.imag], axis=-1).astype(real)
    payload = flat.astype((">" if byte_order == "big" else "<") + flat.dtype.char).tobytes()
    # what a reader sees: the rounded numbers, the last row rebuilt
    seen = flat.astype(np.float64)
    seen = seen[..., 0] + 1j * seen[..., 1]
    if two_row:
        full = np.zeros(u.shape, dtype=complex)
        full[..., :rows, :] = seen
        seen = reconstruct_last_row(full)
    datatype = (
        f"{d}D_SU{n_colours}_GAUGE"
        if two_row
        else f"{d}D_SU{n_colours}_GAUGE_{n_colours}x{n_colours}"
    )
    suffix = "BIG" if byte_order == "big" else "LITTLE"
    header = [
        ("HDR_VERSION", "1.0"),
        ("DATATYPE", datatype),
        ("STORAGE_FORMAT", "1.0"),
        *[(f"DIMENSION_{k + 1}", str(L)) for k, L in enumerate(dims)],
        ("LINK_TRACE", f"{link_trace(seen):.10g}"),
        ("PLAQUETTE", f"{plaquette(seen, dims):.10g}"),
        *[(f"BOUNDARY_{k + 1}", "PERIODIC") for k in range(d)],
        ("CHECKSUM", f"{nersc_checksum(payload, '>' if byte_order == 'big' else '<'):10x}"),
        ("SCIDAC_CHECKSUMA", f"{0:10x}"),
        ("SCIDAC_CHECKSUMB", f"{0:10x}"),
        ("ENSEMBLE_ID", "crosscheck"),
        ("ENSEMBLE_LABEL", "numpy"),
        ("SEQUENCE_NUMBER", "7"),
        ("CREATOR", "crosscheck.py"),
        ("CREATOR_HARDWARE", "python-numpy"),
        ("CREATION_DATE", "Thu Jan  1 00:00:00 2026 UTC"),
        ("ARCHIVE_DATE", "Thu Jan  1 00:00:00 2026 UTC"),
        ("FLOATING_POINT", f"IEEE{precision}{suffix}"),
    ]
    text = "BEGIN_HEADER\n" + "".join(f"{k} = {v}\n" for k, v in header) + "END_HEADER\n"
    Path(path).write_bytes(text.encode("ascii") + payload)
    return seen


def read_nersc(path):
    data = Path(path).read_bytes()
    lines = []
    at = 0
    while True:
        end = data.index(b"\n", at)
        line = data[at:end].decode("ascii").strip()
        at = end + 1
        if line == "END_HEADER":
            break
        lines.append(line)
    require(lines[0] == "BEGIN_HEADER", f"{path}: no BEGIN_HEADER")
    header = {}
    for line in lines[1:]:
        if "=" in line:
            key, value = line.split("=", 1)
            header[key.strip()] = value.strip()
    datatype = header["DATATYPE"]
    d = int(datatype.split("D_SU")[0])
    n_colours = int(datatype.split("_SU")[1].split("_")[0])
    two_row = not datatype.endswith(f"_{n_colours}x{n_colours}")
    rows = n_colours - 1 if two_row else n_colours
    dims = [int(header[f"DIMENSION_{k + 1}"]) for k in range(d)]
    fp = header["FLOATING_POINT"]
    precision = int(fp[4:6])
    order = ">" if fp.endswith("BIG") else "<"
    payload = data[at:]
    volume = int(np.prod(dims))
    expected = volume * d * rows * n_colours * 2 * precision // 8
    require(len(payload) == expected, f"{path}: payload {len(payload)} bytes, expected {expected}")
    checksum = nersc_checksum(payload, order)
    require(
        checksum == int(header["CHECKSUM"], 16),
        f"{path}: CHECKSUM {header['CHECKSUM']} but the payload sums to {checksum:x}",
    )
    site_bytes = d * rows * n_colours * 2 * precision // 8
    scidac = None
    if int(header.get("SCIDAC_CHECKSUMA", "0"), 16) != 0:
        scidac = scidac_checksum(payload, site_bytes)
        require(
            scidac == (int(header["SCIDAC_CHECKSUMA"], 16), int(header["SCIDAC_CHECKSUMB"], 16)),
            f"{path}: SCIDAC_CHECKSUMA/B {header['SCIDAC_CHECKSUMA']} {header['SCIDAC_CHECKSUMB']}"
            f" but the payload gives {scidac[0]:x} {scidac[1]:x}",
        )
    numbers = np.frombuffer(payload, dtype=f"{order}f{precision // 8}").astype(np.float64)
    numbers = numbers.reshape(volume, d, rows, n_colours, 2)
    u = np.zeros((volume, d, n_colours, n_colours), dtype=complex)
    u[..., :rows, :] = numbers[..., 0] + 1j * numbers[..., 1]
    if two_row:
        u = reconstruct_last_row(u)
    p, t = plaquette(u, dims), link_trace(u)
    tolerance = 1e-5 if precision == 64 else max(1e-5, 16 * n_colours * 2.0**-24)
    require(
        abs(p - float(header["PLAQUETTE"])) <= tolerance,
        f"{path}: PLAQUETTE {header['PLAQUETTE']} but computed {p}",
    )
    require(
        abs(t - float(header["LINK_TRACE"])) <= max(1e-6, 4 * n_colours * 2.0**-24),
        f"{path}: LINK_TRACE {header['LINK_TRACE']} but computed {t}",
    )
    return {
        "format": "nersc",
        "dims": dims,
        "N": n_colours,
        "plaquette": p,
        "link_trace": t,
        "checksum": f"{checksum:x}",
        "scidac": None if scidac is None else [f"{scidac[0]:x}", f"{scidac[1]:x}"],
        "header": header,
    }


# ----------------------------------------------------------------------------- LIME / ILDG


def lime_record(record_type, data, begin, end):
    flags = (0x8000 if begin else 0) | (0x4000 if end else 0)
    head = struct.pack(">IHHQ128s", LIME_MAGIC, 1, flags, len(data), record_type.encode())
    return head + data + b"\0" * ((8 - len(data) % 8) % 8)


def lime_records(path):
    data = Path(path).read_bytes()
    records = {}
    at = 0
    while at + 144 <= len(data):
        magic, version, flags, length = struct.unpack(">IHHQ", data[at : at + 16])
        require(magic == LIME_MAGIC and version == 1, f"{path}: bad LIME header at byte {at}")
        record_type = data[at + 16 : at + 144].split(b"\0")[0].decode()
        start = at + 144
        require(start + length <= len(data), f"{path}: LIME record {record_type} truncated")
        records.setdefault(record_type, data[start : start + length])
        at = start + (length + 7) // 8 * 8
    return records


def write_ildg(path, u, dims, precision):
    n_colours = u.shape[-1]
    real = ">f8" if precision == 64 else ">f4"
    payload = np.stack([u.real, u.imag], axis=-1).astype(real).tobytes()
    seen = np.frombuffer(payload, dtype=real).astype(np.float64).reshape(u.shape + (2,))
    seen = seen[..., 0] + 1j * seen[..., 1]
    suma, sumb = scidac_checksum(payload, 4 * n_colours * n_colours * 2 * precision // 8)
    fmt = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ildgFormat xmlns="http://www.lqcd.org/ildg">'
        f"<version>1.0</version><field>su{n_colours}gauge</field>"
        f"<precision>{precision}</precision><lx>{dims[0]}</lx><ly>{dims[1]}</ly>"
        f"<lz>{dims[2]}</lz><lt>{dims[3]}</lt></ildgFormat>"
    )
    checksum = (
        '<?xml version="1.0" encoding="UTF-8"?><scidacChecksum><version>1.0</version>'
        f"<suma>{suma:x}</suma><sumb>{sumb:x}</sumb></scidacChecksum>"
    )
    info = (
        "<usqcdInfo><version>1.0</version>"
        f"<plaq>{plaquette(seen, dims):e}</plaq><linktr>{link_trace(seen):e}</linktr>"
        "<info>written by crosscheck.py</info></usqcdInfo>"
    )
    # the ILDG record order: format, binary data, lfn (one message), then the checksum
    content = (
        lime_record("scidac-file-xml", info.encode(), True, True)
        + lime_record("ildg-format", fmt.encode(), True, False)
        + lime_record("ildg-binary-data", payload, False, False)
        + lime_record("ildg-data-lfn", b"lfn://crosscheck/py.lime", False, True)
        + lime_record("scidac-checksum", checksum.encode(), True, True)
    )
    Path(path).write_bytes(content)
    return seen


def read_ildg(path):
    records = lime_records(path)
    fmt = ET.fromstring(records["ildg-format"].rstrip(b"\0").decode())
    field = fmt.find("ildg:field", ILDG_NS).text.strip()
    n_colours = int(field[2:-5])
    precision = int(fmt.find("ildg:precision", ILDG_NS).text)
    dims = [int(fmt.find(f"ildg:{tag}", ILDG_NS).text) for tag in ("lx", "ly", "lz", "lt")]
    payload = records["ildg-binary-data"]
    volume = int(np.prod(dims))
    site_bytes = 4 * n_colours * n_colours * 2 * precision // 8
    require(len(payload) == volume * site_bytes, f"{path}: binary data of the wrong size")
    checksum = ET.fromstring(records["scidac-checksum"].rstrip(b"\0").decode())
    stated = (int(checksum.find("suma").text, 16), int(checksum.find("sumb").text, 16))
    computed = scidac_checksum(payload, site_bytes)
    require(stated == computed, f"{path}: scidac-checksum {stated} but computed {computed}")
    numbers = np.frombuffer(payload, dtype=f">f{precision // 8}").astype(np.float64)
    numbers = numbers.reshape(volume, 4, n_colours, n_colours, 2)
    u = numbers[..., 0] + 1j * numbers[..., 1]
    p, t = plaquette(u, dims), link_trace(u)
    for record_type in ("scidac-file-xml", "scidac-record-xml"):
        if record_type in records:
            info = ET.fromstring(records[record_type].rstrip(b"\0").decode())
            require(
                abs(float(info.find("plaq").text) - p) <= 1e-5,
                f"{path}: {record_type} plaq {info.find('plaq').text} but computed {p}",
            )
            require(
                abs(float(info.find("linktr").text) - t) <= 1e-5,
                f"{path}: {record_type} linktr {info.find('linktr').text} but computed {t}",
            )
    lfn = records.get("ildg-data-lfn", b"").decode()
    return {
        "format": "ildg",
        "dims": dims,
        "N": n_colours,
        "plaquette": p,
        "link_trace": t,
        "scidac": [f"{computed[0]:x}", f"{computed[1]:x}"],
        "lfn": lfn,
    }


# ----------------------------------------------------------------------------- HDF5


def read_hdf5(path):
    import h5py

    with h5py.File(path, "r") as f:
        require(f.attrs["format"] == "lattice-gauge-ensemble", f"{path}: format attribute")
        n_colours = int(f.attrs["N"])
        dims = [int(L) for L in f.attrs["dims"]]
        metadata = json.loads(f.attrs["metadata"])
        links = f["links"]
        volume = int(np.prod(dims))
        shape = (volume, len(dims), n_colours, n_colours, 2)
        require(links.dtype == np.float64, f"{path}: links dtype {links.dtype}")
        require(links.shape[1:] == shape, f"{path}: links shape {links.shape}, expected (n,)+{shape}")
        recorded = f["observables/plaquette"][:] if "observables/plaquette" in f else None
        plaquettes = []
        for i in range(links.shape[0]):
            u = links[i].view(np.complex128)[..., 0]
            p = plaquette(u, dims)
            plaquettes.append(p)
            if recorded is not None:
                require(
                    abs(recorded[i] - p) <= 1e-12,
                    f"{path}: observables/plaquette[{i}] {recorded[i]} but computed {p}",
                )
        return {
            "format": "hdf5",
            "dims": dims,
            "N": n_colours,
            "count": int(links.shape[0]),
            "plaquettes": plaquettes,
            "beta": [float(b) for b in f["beta"][:]],
            "sweep": [int(s) for s in f["sweep"][:]],
            "metadata": metadata,
            "attributes": {name: json_value(value) for name, value in f.attrs.items()},
        }


def json_value(value):
    """An attribute as h5py gives it (str, numpy scalar or array), as a JSON value."""
    if isinstance(value, bytes):
        return value.decode("ascii")
    if isinstance(value, np.ndarray):
        return [json_value(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


# ----------------------------------------------------------------------------- commands


def write_all(directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    dims4 = [4, 4, 2, 6]
    plans = [
        ("py_3x3_64big.nersc", "nersc", dims4, 3, dict(two_row=False, precision=64, byte_order="big")),
        ("py_2row_32big.nersc", "nersc", dims4, 3, dict(two_row=True, precision=32, byte_order="big")),
        ("py_3x3_64little.nersc", "nersc", dims4, 3, dict(two_row=False, precision=64, byte_order="little")),
        ("py_2row_64big.nersc", "nersc", dims4, 3, dict(two_row=True, precision=64, byte_order="big")),
        ("py_su2_2d.nersc", "nersc", [6, 4], 2, dict(two_row=False, precision=64, byte_order="big")),
        ("py_su2_1row_3d.nersc", "nersc", [4, 2, 4], 2, dict(two_row=True, precision=32, byte_order="little")),
        ("py_64.lime", "ildg", dims4, 3, dict(precision=64)),
        ("py_32.lime", "ildg", dims4, 3, dict(precision=32)),
    ]
    manifest = {}
    for k, (name, kind, dims, n_colours, options) in enumerate(plans):
        u = random_field(dims, n_colours, seed=100 + k)
        path = directory / name
        if kind == "nersc":
            seen = write_nersc(path, u, dims, **options)
        else:
            seen = write_ildg(path, u, dims, **options)
        (directory / (name + ".f64")).write_bytes(to_ours(seen).tobytes())
        manifest[name] = {
            "format": kind,
            "dims": dims,
            "N": n_colours,
            "precision": options["precision"],
            "plaquette": plaquette(seen, dims),
            "link_trace": link_trace(seen),
        }
    (directory / "python.json").write_text(json.dumps(manifest, indent=2))
    print(json.dumps(manifest))


def read_all(directory):
    directory = Path(directory)
    manifest = json.loads((directory / "ours.json").read_text())
    readers = {"nersc": read_nersc, "ildg": read_ildg, "hdf5": read_hdf5}
    results = {}
    for name, entry in manifest.items():
        results[name] = readers[entry["format"]](directory / name)
    print(json.dumps(results))


def main(argv):
    if len(argv) != 3 or argv[1] not in ("write", "read"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        (write_all if argv[1] == "write" else read_all)(argv[2])
    except CheckFailed as failure:
        print(f"crosscheck.py: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
