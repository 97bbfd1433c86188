#include "mor/version.h"

#include <QtTest>

class TstVersion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void versionMatchesProject() { QCOMPARE(QString::fromStdString(mor::versionString()), QStringLiteral(MOR_VERSION)); }
    void schemaVersionIsPositive() { QVERIFY(mor::logSchemaVersion() >= 1); }
};

QTEST_GUILESS_MAIN(TstVersion)
#include "tst_version.moc"
