package io.llmaos.server.api;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * gRPC's "deflate" message encoding (zlib, RFC 1950), which Triton's clients may send; grpc-java
 * knows only gzip. A message inflated beyond the inbound limit is refused as any other.
 */
final class DeflateCodec implements Codec {
    static final DeflateCodec INSTANCE = new DeflateCodec();

    private DeflateCodec() {}

    @Override
    public String getMessageEncoding() {
        return "deflate";
    }

    @Override
    public OutputStream compress(OutputStream os) {
        return new DeflaterOutputStream(os);
    }

    @Override
    public InputStream decompress(InputStream is) {
        return new InflaterInputStream(is);
    }

    /** gRPC's decompressors (identity, gzip) and deflate, all advertised. */
    static DecompressorRegistry decompressors() {
        return DecompressorRegistry.getDefaultInstance().with(INSTANCE, true);
    }

    /** gRPC's compressors (identity, gzip) and deflate. */
    static CompressorRegistry compressors() {
        CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
        registry.register(Codec.Identity.NONE);
        registry.register(new Codec.Gzip());
        registry.register(INSTANCE);
        return registry;
    }
}
