#include "common/mapgrid.h"

namespace common {

namespace {
QCPRange cellRange(int cells, double first, double last) {
    return cells == 1 ? QCPRange(first - 0.25, first + 0.25) : QCPRange(first, last);
}
} // namespace

MapGrid::MapGrid(QCPColorMapData* data, int keys, double firstKey, double lastKey, int values,
                 double firstValue, double lastValue)
    : m_data(data), m_keyCopies(keys == 1 ? 2 : 1), m_valueCopies(values == 1 ? 2 : 1) {
    m_data->setSize(keys * m_keyCopies, values * m_valueCopies);
    m_data->setRange(cellRange(keys, firstKey, lastKey), cellRange(values, firstValue, lastValue));
}

void MapGrid::set(int key, int value, double z) {
    if (m_keyCopies == 1 && m_valueCopies == 1) {
        m_data->setCell(key, value, z);
        return;
    }
    for (int i = 0; i < m_keyCopies; ++i) {
        for (int j = 0; j < m_valueCopies; ++j) {
            m_data->setCell(key * m_keyCopies + i, value * m_valueCopies + j, z);
        }
    }
}

double MapGrid::cell(QCPColorMapData* data, int keys, int values, int key, int value) {
    return data->cell(key * (keys == 1 ? 2 : 1), value * (values == 1 ? 2 : 1));
}

} // namespace common
