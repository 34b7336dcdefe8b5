package io.jtrace.bench.overhead;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The H2 embedded database (in memory, MVStore): 8 threads run short JDBC transactions that
 * move money between two of 16 hot rows out of 10,000 and read a range, so that transactions wait
 * on each other's row locks. Rows are locked in id order, so there is no deadlock.
 */
final class H2Workload implements Workload {
    private static final String URL = "jdbc:h2:mem:overhead;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    private static final int ROWS = 10_000;
    private static final int HOT = 16;
    private static final int THREADS = 8;

    @Override
    public void start(Meter meter) throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account(id INT PRIMARY KEY, balance BIGINT NOT NULL, name VARCHAR(40))");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO account VALUES (?, ?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setInt(1, i);
                    insert.setLong(2, 1_000_000);
                    insert.setString(3, "account-" + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        Workers.start("h2-client", THREADS, () -> transfer(meter));
    }

    private static void transfer(Meter meter) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL)) {
            c.setAutoCommit(false);
            PreparedStatement update = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
            PreparedStatement range = c.prepareStatement("SELECT SUM(balance) FROM account WHERE id BETWEEN ? AND ?");
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (true) {
                long start = System.nanoTime();
                int a = rnd.nextInt(HOT);
                int b = (a + 1 + rnd.nextInt(HOT - 1)) % HOT;
                long amount = rnd.nextInt(100);
                try {
                    int from = Math.min(a, b);
                    int to = Math.max(a, b);
                    update.setLong(1, -amount);
                    update.setInt(2, from);
                    update.executeUpdate();
                    int lo = HOT + rnd.nextInt(ROWS - HOT - 100);
                    range.setInt(1, lo);
                    range.setInt(2, lo + 50);
                    try (ResultSet rs = range.executeQuery()) {
                        rs.next();
                    }
                    update.setLong(1, amount);
                    update.setInt(2, to);
                    update.executeUpdate();
                    c.commit();
                    meter.request(start);
                } catch (SQLException e) {
                    c.rollback();
                }
            }
        }
    }
}
