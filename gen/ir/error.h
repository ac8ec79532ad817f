// Forwarding header: the error types moved to the top-level ir/ library
// (ir/error.h), which the golden models use without depending on gen/.
#pragma once

#include "../../ir/error.h"
