#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The Playground's points as the CSV file a training reads (x, y, label per line).
#include <QString>
#include <QVector>

namespace playground {

/// Writes the points (x, y pairs in `features`, one label each) and then `moreFeatures` /
/// `moreLabels` to `path` with the header "x,y,label"; false when it cannot be written.
bool writePlaygroundPointsCsv(const QString& path, const QVector<float>& features,
                              const QVector<qint64>& labels, const QVector<float>& moreFeatures,
                              const QVector<qint64>& moreLabels);

} // namespace playground
