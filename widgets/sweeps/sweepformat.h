// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Text of a mean with its 95% interval for the Sweeps tab: "0.912 ± 0.031", large numbers
// scaled ("12.3k ± 0.4k"), the mean alone when there is one seed.
#include "mor/sweep.h"

#include <QString>

namespace sweeps {

QString formatInterval(const mor::MeanInterval& m);
QString formatNumber(double value);

} // namespace sweeps
