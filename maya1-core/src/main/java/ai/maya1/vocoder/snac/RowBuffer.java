package ai.maya1.vocoder.snac;

/**
 * A growable block of time-major rows ({@code width} floats each) used as a streaming layer's left context and
 * pending input. Capacity only grows to the largest chunk seen, so a stream fed frame by frame keeps a constant
 * footprint however long it runs.
 */
final class RowBuffer {
    final int width;
    float[] data;
    int rows;

    RowBuffer(int width, int initialRows) {
        this.width = width;
        this.data = new float[Math.max(1, initialRows) * width];
    }

    private RowBuffer(RowBuffer o) {
        this.width = o.width;
        this.data = o.data.clone();
        this.rows = o.rows;
    }

    RowBuffer copy() {
        return new RowBuffer(this);
    }

    /** Makes room for {@code n} more rows and returns the element offset where they start; rows grows by n. */
    int reserve(int n) {
        int need = (rows + n) * width;
        if (need > data.length) {
            float[] d = new float[Math.max(need, data.length + data.length / 2)];
            System.arraycopy(data, 0, d, 0, rows * width);
            data = d;
        }
        int off = rows * width;
        rows += n;
        return off;
    }

    void append(float[] src, int srcOff, int n) {
        int off = reserve(n);
        System.arraycopy(src, srcOff, data, off, n * width);
    }

    void appendZeros(int n) {
        int off = reserve(n);
        java.util.Arrays.fill(data, off, off + n * width, 0f);
    }

    void dropFront(int n) {
        if (n <= 0) {
            return;
        }
        if (n > rows) {
            throw new IllegalStateException("drop " + n + " of " + rows + " rows");
        }
        System.arraycopy(data, n * width, data, 0, (rows - n) * width);
        rows -= n;
    }

    long bytes() {
        return 4L * data.length;
    }
}
