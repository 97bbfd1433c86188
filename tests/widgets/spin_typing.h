#pragma once
// Typing a value into a spin box as a person does (select, type, Return), for GUI tests.
#include <QSpinBox>
#include <QtTest>

inline void typeValue(QSpinBox* spin, int value) {
    spin->setFocus();
    spin->selectAll();
    QTest::keyClicks(spin, QString::number(value));
    QTest::keyClick(spin, Qt::Key_Return);
}
