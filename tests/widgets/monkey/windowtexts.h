#pragma once
// Every user-visible text of a window: labels, buttons, group titles, tabs, combo items,
// placeholders, tool tips, item-view headers and cells, dock titles, menus and toolbar
// actions, and the texts inside QCustomPlot plots (axis labels, titles, legend entries).
#include <QString>
#include <QList>

class QWidget;

namespace monkey {

struct ShownText {
    QString where; ///< class(objectName) of the widget and which of its texts
    QString text;
};

/// Texts of `root` and its visible descendants (menus of a QMainWindow included).
QList<ShownText> collectTexts(QWidget* root);

} // namespace monkey
