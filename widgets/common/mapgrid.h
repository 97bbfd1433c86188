#pragma once
// Fills a QCPColorMapData cell by cell, also when a dimension has a single cell: QCPColorMap
// draws nothing for a one-cell dimension (its range is empty), so such a dimension is stored
// as two identical cells a quarter unit either side of the coordinate.
#include <qcustomplot.h>

namespace common {

class MapGrid {
public:
    /// Resizes `data` to keys x values logical cells centred from first* to last* coordinates.
    MapGrid(QCPColorMapData* data, int keys, double firstKey, double lastKey, int values,
            double firstValue, double lastValue);
    void set(int key, int value, double z);
    /// Reads a logical cell of a map filled through MapGrid with the same logical size
    /// (non-const because QCPColorMapData::cell() is).
    static double cell(QCPColorMapData* data, int keys, int values, int key, int value);

private:
    QCPColorMapData* m_data;
    int m_keyCopies;
    int m_valueCopies;
};

} // namespace common
