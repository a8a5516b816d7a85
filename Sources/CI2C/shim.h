#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <i2c/smbus.h>

/* ioctl is variadic, which Swift cannot call; these give it a typed face. */
static inline int meterd_i2c_rdwr(int fd, struct i2c_rdwr_ioctl_data *data) {
    return ioctl(fd, I2C_RDWR, data);
}
static inline int meterd_i2c_funcs(int fd, unsigned long *funcs) {
    return ioctl(fd, I2C_FUNCS, funcs);
}
static inline int meterd_i2c_set_slave(int fd, long address) {
    return ioctl(fd, I2C_SLAVE, address);
}
