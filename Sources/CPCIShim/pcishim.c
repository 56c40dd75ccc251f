#define _GNU_SOURCE /* memfd_create */
#include "pcishim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <libkmod.h>

/* One libpci call at a time per thread: the jump target and the message live here. */
static __thread jmp_buf *pending_jump;
static __thread char last_error[512];
static __thread int lookup_failed;

static void __attribute__((noreturn)) shim_error(char *msg, ...)
{
    va_list args;
    va_start(args, msg);
    vsnprintf(last_error, sizeof(last_error), msg, args);
    va_end(args);
    if (pending_jump)
        longjmp(*pending_jump, 1);
    /* Not inside a wrapper: nothing safe to return to. This cannot happen for the calls
     * pcihide makes, all of which go through a wrapper. */
    fprintf(stderr, "pcihide: libpci: %s\n", last_error);
    _exit(70);
}

static void shim_quiet(char *msg, ...) { (void)msg; }

static void copy_error(char *err, size_t errlen)
{
    if (err && errlen) {
        strncpy(err, last_error, errlen - 1);
        err[errlen - 1] = 0;
    }
}

struct pci_access *pcishim_open(const char *sysfs_root, const char *dump_file, const char *ids_file,
                                int numeric_ids, int bus_centric, char *err, size_t errlen)
{
    struct pci_access *acc = pci_alloc();
    if (!acc) {
        snprintf(err, errlen, "cannot allocate libpci state");
        return NULL;
    }
    acc->error = shim_error;
    acc->warning = shim_quiet;
    acc->debug = shim_quiet;
    acc->numeric_ids = numeric_ids;
    acc->buscentric = bus_centric;
    jmp_buf jump;
    jmp_buf *saved = pending_jump;
    pending_jump = &jump;
    if (setjmp(jump)) {
        copy_error(err, errlen);
        /* Free what was set up (a caller that tries many inputs, the dump fuzz target, would
         * leak one libpci state each); an error raised by the cleanup itself is ignored. */
        if (!setjmp(jump))
            pci_cleanup(acc);
        pending_jump = saved;
        return NULL;
    }
    if (dump_file) {
        acc->method = PCI_ACCESS_DUMP;
        pci_set_param(acc, "dump.name", (char *)dump_file);
    } else {
        acc->method = PCI_ACCESS_SYS_BUS_PCI;
        pci_set_param(acc, "sysfs.path", (char *)sysfs_root);
    }
    if (ids_file)
        pci_set_name_list_path(acc, strdup(ids_file), 1); /* libpci keeps the pointer */
    pci_init(acc);
    pci_scan_bus(acc);
    pending_jump = saved;
    return acc;
}

void pcishim_close(struct pci_access *acc)
{
    if (acc)
        pci_cleanup(acc);
}

int pcishim_fill(struct pci_dev *dev, unsigned int flags, char *err, size_t errlen)
{
    jmp_buf jump;
    jmp_buf *saved = pending_jump;
    pending_jump = &jump;
    if (setjmp(jump)) {
        pending_jump = saved;
        copy_error(err, errlen);
        return -1;
    }
    pci_fill_info(dev, flags);
    pending_jump = saved;
    return 0;
}

int pcishim_read_block(struct pci_dev *dev, int pos, unsigned char *buf, int len)
{
    jmp_buf jump;
    jmp_buf *saved = pending_jump;
    pending_jump = &jump;
    if (setjmp(jump)) {
        pending_jump = saved;
        return 0;
    }
    int ok = pci_read_block(dev, pos, buf, len);
    pending_jump = saved;
    return ok;
}

/* Name lookups read pci.ids on first use; a broken ids file raises a libpci error. */
#define GUARDED_LOOKUP(call)                                   \
    jmp_buf jump;                                              \
    jmp_buf *saved = pending_jump;                             \
    pending_jump = &jump;                                      \
    if (setjmp(jump)) {                                        \
        pending_jump = saved;                                  \
        lookup_failed = 1;                                     \
        snprintf(buf, size, "<pci_lookup_name: %s>", last_error); \
        return buf;                                            \
    }                                                          \
    char *r = call;                                            \
    pending_jump = saved;                                      \
    return r;

char *pcishim_lookup_class(struct pci_access *acc, char *buf, int size, int flags, unsigned int cls)
{
    GUARDED_LOOKUP(pci_lookup_name(acc, buf, size, flags | PCI_LOOKUP_CLASS, cls))
}

char *pcishim_lookup_vendor_device(struct pci_access *acc, char *buf, int size, int flags,
                                   unsigned int vendor, unsigned int device)
{
    GUARDED_LOOKUP(pci_lookup_name(acc, buf, size, flags, vendor, device))
}

char *pcishim_lookup_subsystem(struct pci_access *acc, char *buf, int size, int flags,
                               unsigned int vendor, unsigned int device,
                               unsigned int subvendor, unsigned int subdevice)
{
    GUARDED_LOOKUP(pci_lookup_name(acc, buf, size, flags, vendor, device, subvendor, subdevice))
}

char *pcishim_lookup_subvendor(struct pci_access *acc, char *buf, int size, int flags, unsigned int subvendor)
{
    GUARDED_LOOKUP(pci_lookup_name(acc, buf, size, flags, subvendor))
}

char *pcishim_lookup_progif(struct pci_access *acc, char *buf, int size, int flags, unsigned int cls, unsigned int progif)
{
    GUARDED_LOOKUP(pci_lookup_name(acc, buf, size, flags | PCI_LOOKUP_PROGIF, cls, progif))
}

const char *pcishim_filter_slot(struct pci_filter *f, const char *text)
{
    char copy[256];
    strncpy(copy, text, sizeof(copy) - 1);
    copy[sizeof(copy) - 1] = 0;
    return pci_filter_parse_slot(f, copy);
}

const char *pcishim_filter_id(struct pci_filter *f, const char *text)
{
    char copy[256];
    strncpy(copy, text, sizeof(copy) - 1);
    copy[sizeof(copy) - 1] = 0;
    return pci_filter_parse_id(f, copy);
}

void pcishim_filter_init(struct pci_access *acc, struct pci_filter *f)
{
    pci_filter_init(acc, f);
}

/* libkmod is opened on first use (lspci -k only): linking it would load libcrypto, libzstd and
 * liblzma into every invocation, which costs start-up time for nothing. */
static struct {
    struct kmod_ctx *(*new_ctx)(const char *, const char *const *);
    int (*load_resources)(struct kmod_ctx *);
    int (*new_from_lookup)(struct kmod_ctx *, const char *, struct kmod_list **);
    struct kmod_list *(*list_next)(const struct kmod_list *, const struct kmod_list *);
    struct kmod_module *(*get_module)(const struct kmod_list *);
    const char *(*get_name)(const struct kmod_module *);
    struct kmod_module *(*unref)(struct kmod_module *);
    int (*unref_list)(struct kmod_list *);
} kmod;

static int load_kmod(void)
{
    void *h = dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return 0;
    kmod.new_ctx = dlsym(h, "kmod_new");
    kmod.load_resources = dlsym(h, "kmod_load_resources");
    kmod.new_from_lookup = dlsym(h, "kmod_module_new_from_lookup");
    kmod.list_next = dlsym(h, "kmod_list_next");
    kmod.get_module = dlsym(h, "kmod_module_get_module");
    kmod.get_name = dlsym(h, "kmod_module_get_name");
    kmod.unref = dlsym(h, "kmod_module_unref");
    kmod.unref_list = dlsym(h, "kmod_module_unref_list");
    return kmod.new_ctx && kmod.load_resources && kmod.new_from_lookup && kmod.list_next &&
           kmod.get_module && kmod.get_name && kmod.unref && kmod.unref_list;
}

static struct kmod_ctx *ctx;
static int kmod_state = -1; /* -1 untried, 0 failed, 1 ready */

/* Loads the module index on first use; 1 when lookups can be made. lspci asks this before it
 * reads a device's modalias, so that without an index no modalias file is read. */
int pcishim_modules_available(void)
{
    int state = kmod_state;
    if (state < 0) {
        int err = -1;
        if (load_kmod()) {
            ctx = kmod.new_ctx(NULL, NULL);
            err = ctx ? kmod.load_resources(ctx) : -1;
        }
        state = ctx && err >= 0;
        if (!state)
            fprintf(stderr, "pcihide: warning: cannot load the kernel module index (libkmod error %d); kernel modules are not shown\n", err);
        kmod_state = state;
    }
    return state;
}

int pcishim_modules(const char *modalias, char *buf, size_t buflen)
{
    if (!pcishim_modules_available())
        return -1;
    struct kmod_list *list = NULL, *it;
    if (kmod.new_from_lookup(ctx, modalias, &list) < 0)
        return 0;
    int count = 0;
    size_t used = 0;
    buf[0] = 0;
    for (it = list; it; it = kmod.list_next(list, it)) {
        struct kmod_module *m = kmod.get_module(it);
        const char *name = kmod.get_name(m);
        size_t n = strlen(name);
        if (used + n + 2 < buflen) {
            memcpy(buf + used, name, n);
            used += n;
            buf[used++] = '\n';
            buf[used] = 0;
            count++;
        }
        kmod.unref(m);
    }
    kmod.unref_list(list);
    return count;
}

int pcishim_memory_file(const void *bytes, size_t len)
{
    int fd = memfd_create("pci.ids", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    const char *p = bytes;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return fd;
}

void pcishim_use_names(struct pci_access *acc, const char *path)
{
    pci_free_name_list(acc);
    acc->id_load_failed = 0;
    pci_set_name_list_path(acc, strdup(path), 1);
}

const char *pcishim_names_path(struct pci_access *acc)
{
    return acc->id_file_name;
}

int pcishim_take_lookup_error(char *err, size_t errlen)
{
    if (!lookup_failed)
        return 0;
    lookup_failed = 0;
    copy_error(err, errlen);
    return 1;
}
