/** @file
 * rvk_version.h - the one place the revokit version is set (SemVer).
 */
#ifndef RVK_VERSION_H
#define RVK_VERSION_H

#define RVK_VERSION_MAJOR 0 /**< incompatible API changes */
#define RVK_VERSION_MINOR 1 /**< compatible additions */
#define RVK_VERSION_PATCH 0 /**< fixes */
/** MAJOR.MINOR.PATCH as a string. */
#define RVK_VERSION "0.1.0"

#endif
