/* SPDX-License-Identifier: MIT */
/* The report as JSON (reports/json.c; schema: reports/schema/report-v1.json). */
#ifndef VIRTCAP_JSON_H
#define VIRTCAP_JSON_H

#include <json-c/json.h>

#include "reports/report.h"

/* The whole report as a new json object; NULL when out of memory. The caller puts it. */
struct json_object *report_to_json(const struct report *r);

#endif
