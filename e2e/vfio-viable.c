/* Opens a VFIO group as QEMU and libvirt do and prints whether the kernel calls it viable
 * (every device of the group bound to vfio-pci or a harmless driver). Built static by the rig. */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: vfio-viable /dev/vfio/N\n"); return 64; }
    int container = open("/dev/vfio/vfio", O_RDWR);
    if (container < 0) { perror("/dev/vfio/vfio"); return 1; }
    if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) { puts("api-mismatch"); return 1; }
    int group = open(argv[1], O_RDWR);
    if (group < 0) { perror(argv[1]); return 1; }
    struct vfio_group_status status = { .argsz = sizeof status };
    if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) < 0) { perror("VFIO_GROUP_GET_STATUS"); return 1; }
    puts(status.flags & VFIO_GROUP_FLAGS_VIABLE ? "viable" : "not-viable");
    return status.flags & VFIO_GROUP_FLAGS_VIABLE ? 0 : 2;
}
