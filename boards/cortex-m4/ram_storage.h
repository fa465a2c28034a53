/*
 * ram_storage.h - two storage records in RAM: enough for the revocation
 * journal's two slots on the QEMU board, which has no flash driver. A real
 * board puts a flash or EEPROM driver behind the same rvk_storage table.
 */
#ifndef M4_RAM_STORAGE_H
#define M4_RAM_STORAGE_H

#include "revokit/rvk_port.h"

/* The storage table for records 0 and 1 (other ids are RVK_ERR_STORAGE).
 * Contents live as long as the program: one boot, not across resets. */
rvk_storage m4_ram_storage(void);

#endif
