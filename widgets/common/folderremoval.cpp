// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/folderremoval.h"

#include <QDir>
#include <QThreadPool>

namespace common {

void removeFolderInBackground(const QString& path) {
    if (path.isEmpty()) {
        return;
    }
    QThreadPool::globalInstance()->start([path] { QDir(path).removeRecursively(); });
}

} // namespace common
