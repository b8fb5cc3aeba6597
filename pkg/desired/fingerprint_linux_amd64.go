package desired

import "syscall"

// sysFstatat is fstatat's system call number.
const sysFstatat = syscall.SYS_NEWFSTATAT
