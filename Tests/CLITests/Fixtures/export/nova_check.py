"""Reads pcihide's Nova export with Nova's own parser (nova.pci from PyPI).

usage: nova_check.py SYSFS_PCI_ROOT < export.conf
Prints JSON: {"specs": N, "aliases": {name: {...}}, "matched": {address: [spec indexes]}} for every
device of the fixture's tree, as nova-compute would match it. Nova's own errors end it with
status 1 and the message.
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
root = sys.argv[1]

import nova.conf  # noqa: E402
from nova import exception  # noqa: E402
from nova.pci import request, utils, whitelist  # noqa: E402


def is_physical_function(domain, bus, slot, function):
    # Nova reads the live /sys; the fixture's tree stands in for it.
    path = os.path.join(root, "devices", f"{domain}:{bus}:{slot}.{function}")
    return any(n.startswith("virtfn") for n in os.listdir(path)) if os.path.isdir(path) else False


utils.is_physical_function = is_physical_function

spec_lines, alias_lines = [], []
section = None
for line in sys.stdin.read().splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("["):
        section = line
        continue
    key, _, value = line.partition("=")
    key, value = key.strip(), value.strip()
    if section != "[pci]":
        sys.exit(f"{key} outside [pci]")
    if key == "device_spec":
        spec_lines.append(value)
    elif key == "alias":
        alias_lines.append(value)
    else:
        sys.exit(f"unknown key {key}")

# What nova-compute and nova-api do with the options at start.
CONF = nova.conf.CONF
CONF([], default_config_files=[])
CONF.set_override("alias", alias_lines, group="pci")
try:
    specs = whitelist.Whitelist(spec_lines).specs
    aliases = {name: {"numa_policy": v[0], "specs": v[1]} for name, v in request.get_alias_from_config().items()}
except exception.NovaException as e:
    sys.exit(f"nova: {e}")

matched = {}
for name in sorted(os.listdir(os.path.join(root, "devices"))):
    d = os.path.join(root, "devices", name)
    read = lambda attr: open(os.path.join(d, attr)).read().strip()[2:]
    parent = os.path.basename(os.readlink(os.path.join(d, "physfn"))) if os.path.islink(os.path.join(d, "physfn")) else None
    dev = {"vendor_id": read("vendor"), "product_id": read("device"), "address": name, "parent_addr": parent}
    hits = [k for k, s in enumerate(specs) if s.match(dev)]
    if hits:
        matched[name] = hits
print(json.dumps({"specs": len(specs), "aliases": aliases, "matched": matched}, sort_keys=True))
