/*
 * device_flow.h - what a device does with each journal entry, shared by
 * the two footprint images (app_main.c without a network stack,
 * full_main.c with TLS and lwIP) so both link every public operation.
 */
#ifndef RVK_M4_DEVICE_FLOW_H
#define RVK_M4_DEVICE_FLOW_H

#include "revokit/rvk_client.h"
#include "revokit/rvk_journal.h"
#include "revokit/rvk_ops.h"

typedef struct device_flow_endpoints {
    const rvk_endpoint *vod;
    const rvk_endpoint *apigw;
    const rvk_endpoint *relay; /* the new-api deployment */
} device_flow_endpoints;

/*
 * device_flow_revoke - revoke entry e and confirm it, by e->service:
 *   0: VOD DeleteAigcApiToken (label = token), then a listing;
 *   1: API Gateway revocation (disable, then delete; label = key id);
 *   3: API Gateway DisableApiKey then DeleteApiKey, called one by one;
 *   other (2): new-api self-revocation: find the id of the relay key,
 *      delete it, check the relay now refuses it, list what is left.
 * Placeholder credentials: the images never reach a real service.
 * Returns the first failure, or RVK_OK.
 */
rvk_err device_flow_revoke(rvk_client *c, const device_flow_endpoints *eps,
                           const rvk_journal_entry *e);

#endif
