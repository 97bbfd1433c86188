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

/// Texts of `root`'s visible descendants that do not fit where they are shown: a label, button
/// or combo box narrower or lower than its minimum size hint (a layout that ran out of room
/// squeezes widgets below it and their text is cut), a plot title wider than its plot. `where`
/// says the widget and the sizes.
QList<ShownText> clippedTexts(QWidget* root);

} // namespace monkey
