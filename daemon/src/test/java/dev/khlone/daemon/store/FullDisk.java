package dev.khlone.daemon.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The store's files on a disk that can be filled up: while {@link #full}, a write takes a few
 * bytes and the next one fails with ENOSPC's message, as a real full disk tears a record. While
 * {@link #slowForce} is shut, forcing a file to disk waits for it, as a busy disk's fsync does.
 */
final class FullDisk implements Store.Opener {
    volatile boolean full;
    volatile CountDownLatch slowForce = new CountDownLatch(0);
    /** Opened when a force begins to wait on {@link #slowForce}. */
    final CountDownLatch forcing = new CountDownLatch(1);

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        return new Channel(OwnerOnly.open(file, options));
    }

    private final class Channel extends FileChannel {
        private final FileChannel real;
        private boolean tore;

        Channel(FileChannel real) {
            this.real = real;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (full) {
                if (tore) {
                    tore = false;
                    throw new IOException("No space left on device");
                }
                tore = true;
                ByteBuffer some = src.slice();
                some.limit(Math.min(some.remaining(), 5));
                int n = real.write(some, position);
                src.position(src.position() + n);
                return n;
            }
            return real.write(src, position);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            try {
                if (slowForce.getCount() > 0) {
                    forcing.countDown();
                }
                slowForce.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while forcing", e);
            }
            real.force(metaData);
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException("the store writes at positions");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
