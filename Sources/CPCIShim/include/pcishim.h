#ifndef PCIHIDE_PCISHIM_H
#define PCIHIDE_PCISHIM_H

#include <pci/pci.h>
#include <stddef.h>

/* What Swift cannot do with libpci directly: libpci's default error handler prints and calls
 * exit(), and pci_lookup_name is variadic. Every call that can raise a libpci error goes through
 * a wrapper here that catches it (setjmp/longjmp) and returns it as a message. */

/* Opens libpci on a sysfs root (dump_file NULL) or an lspci dump file. ids_file may be NULL for
 * the default pci.ids. bus_centric: lspci -b (ids, classes, IRQs and regions as the config space
 * holds them, not the kernel's view). Scans the bus. Returns NULL and fills err on failure. */
struct pci_access *pcishim_open(const char *sysfs_root, const char *dump_file, const char *ids_file,
                                int numeric_ids, int bus_centric, char *err, size_t errlen);
void pcishim_close(struct pci_access *acc);

/* pci_fill_info with libpci errors caught: returns 0 on success, -1 with err filled. */
int pcishim_fill(struct pci_dev *dev, unsigned int flags, char *err, size_t errlen);

/* pci_read_block with libpci errors caught: returns 1 when all bytes were read. */
int pcishim_read_block(struct pci_dev *dev, int pos, unsigned char *buf, int len);

/* Non-variadic forms of pci_lookup_name. The returned pointer is buf or a static string. */
char *pcishim_lookup_class(struct pci_access *acc, char *buf, int size, int flags, unsigned int cls);
char *pcishim_lookup_vendor_device(struct pci_access *acc, char *buf, int size, int flags,
                                   unsigned int vendor, unsigned int device);
char *pcishim_lookup_subsystem(struct pci_access *acc, char *buf, int size, int flags,
                               unsigned int vendor, unsigned int device,
                               unsigned int subvendor, unsigned int subdevice);
char *pcishim_lookup_subvendor(struct pci_access *acc, char *buf, int size, int flags, unsigned int subvendor);
char *pcishim_lookup_progif(struct pci_access *acc, char *buf, int size, int flags, unsigned int cls, unsigned int progif);

/* Filters: pci_filter_parse_* return NULL or a static message (lspci's). */
const char *pcishim_filter_slot(struct pci_filter *f, const char *text);
const char *pcishim_filter_id(struct pci_filter *f, const char *text);
void pcishim_filter_init(struct pci_access *acc, struct pci_filter *f);

/* 1 when libkmod's module index is loaded (on first call; a warning when it cannot be). */
int pcishim_modules_available(void);

/* Kernel modules for a modalias, through libkmod, as lspci -k finds them. Writes up to max
 * names separated by '\n' into buf; returns the count, 0 when none, -1 when libkmod cannot load
 * its resources (lspci then prints a warning and no modules). */
int pcishim_modules(const char *modalias, char *buf, size_t buflen);

/* After a lookup: 1 and the message when libpci raised an error in it (a broken ID database;
 * the lookup then returned the message in brackets), else 0. Clears it. */
int pcishim_take_lookup_error(char *err, size_t errlen);

/* An anonymous in-memory file holding len bytes (an extract of pci.ids for libpci to load);
 * returns its descriptor, or -1. */
int pcishim_memory_file(const void *bytes, size_t len);

/* Points libpci's ID database at path, dropping the names loaded so far (they load again on
 * the next lookup); the path in use. */
void pcishim_use_names(struct pci_access *acc, const char *path);
const char *pcishim_names_path(struct pci_access *acc);

#endif
