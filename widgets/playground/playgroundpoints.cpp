// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/playgroundpoints.h"

#include <QFile>
#include <QTextStream>

namespace playground {

bool writePlaygroundPointsCsv(const QString& path, const QVector<float>& features,
                              const QVector<qint64>& labels, const QVector<float>& moreFeatures,
                              const QVector<qint64>& moreLabels) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        return false;
    }
    QTextStream out(&file);
    out << "x,y,label\n";
    for (qsizetype i = 0; i < labels.size(); ++i) {
        out << features[2 * i] << ',' << features[2 * i + 1] << ',' << labels[i] << '\n';
    }
    for (qsizetype i = 0; i < moreLabels.size(); ++i) {
        out << moreFeatures[2 * i] << ',' << moreFeatures[2 * i + 1] << ',' << moreLabels[i]
            << '\n';
    }
    return out.status() == QTextStream::Ok;
}

} // namespace playground
