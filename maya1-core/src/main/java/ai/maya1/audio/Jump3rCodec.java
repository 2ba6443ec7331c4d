package ai.maya1.audio;

import ai.maya1.Maya1Exception;
import de.sciss.jump3r.mp3.BitStream;
import de.sciss.jump3r.mp3.GainAnalysis;
import de.sciss.jump3r.mp3.GetAudio;
import de.sciss.jump3r.mp3.ID3Tag;
import de.sciss.jump3r.mp3.Lame;
import de.sciss.jump3r.mp3.LameGlobalFlags;
import de.sciss.jump3r.mp3.MP3Data;
import de.sciss.jump3r.mp3.MPEGMode;
import de.sciss.jump3r.mp3.Parse;
import de.sciss.jump3r.mp3.Presets;
import de.sciss.jump3r.mp3.Quantize;
import de.sciss.jump3r.mp3.QuantizePVT;
import de.sciss.jump3r.mp3.Reservoir;
import de.sciss.jump3r.mp3.Takehiro;
import de.sciss.jump3r.mp3.VBRTag;
import de.sciss.jump3r.mp3.Version;
import de.sciss.jump3r.mpg.Common;
import de.sciss.jump3r.mpg.Interface;
import de.sciss.jump3r.mpg.MPGLib;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** The jump3r glue; only loaded after {@link Mp3#available()} said yes. Wires LAME's modules as jump3r's own wrapper does. */
final class Jump3rCodec {
    private Jump3rCodec() {
    }

    /** LAME's modules wired together. */
    private static final class Modules {
        final Lame lame = new Lame();
        final MPGLib mpg = new MPGLib();

        Modules() {
            GetAudio gaud = new GetAudio();
            GainAnalysis ga = new GainAnalysis();
            BitStream bs = new BitStream();
            Presets p = new Presets();
            QuantizePVT qupvt = new QuantizePVT();
            Quantize qu = new Quantize();
            VBRTag vbr = new VBRTag();
            Version ver = new Version();
            ID3Tag id3 = new ID3Tag();
            Reservoir rv = new Reservoir();
            Takehiro tak = new Takehiro();
            Parse parse = new Parse();
            Interface intf = new Interface();
            Common common = new Common();
            lame.setModules(ga, bs, p, qupvt, qu, vbr, ver, id3, mpg);
            bs.setModules(ga, mpg, ver, vbr);
            id3.setModules(bs, ver);
            p.setModules(lame);
            qu.setModules(bs, rv, qupvt, tak);
            qupvt.setModules(tak, rv, lame.enc.psy);
            rv.setModules(bs);
            tak.setModules(qupvt);
            vbr.setModules(lame, bs, ver);
            gaud.setModules(parse, mpg);
            parse.setModules(ver, id3, p);
            mpg.setModules(intf, common);
            intf.setModules(vbr, common);
            this.id3 = id3;
        }

        final ID3Tag id3;
    }

    static final class Encoder implements AudioEncoder {
        private final Modules m = new Modules();
        private final LameGlobalFlags gfp;
        private boolean finished;

        Encoder(int sampleRate, int kbps) {
            gfp = m.lame.lame_init();
            gfp.num_channels = 1;
            gfp.in_samplerate = sampleRate;
            gfp.out_samplerate = sampleRate;
            gfp.mode = MPEGMode.MONO;
            gfp.brate = kbps;
            gfp.quality = 5;
            m.id3.id3tag_init(gfp);
            gfp.write_id3tag_automatic = false;
            gfp.findReplayGain = false;
            int rc = m.lame.lame_init_params(gfp);
            if (rc < 0) {
                throw new Maya1Exception("MP3 encoder rejected " + sampleRate + " Hz mono at " + kbps + " kbit/s (LAME error " + rc + ")");
            }
        }

        @Override
        public AudioFormat format() {
            return AudioFormat.MP3;
        }

        @Override
        public byte[] start() {
            return new byte[0];
        }

        @Override
        public byte[] encode(float[] samples) {
            if (finished) {
                throw new IllegalStateException("MP3 encoder finished");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int block = 4608;
            for (int off = 0; off < samples.length; off += block) {
                int n = Math.min(block, samples.length - off);
                int[] pcm = new int[n];
                for (int i = 0; i < n; i++) {
                    // LAME's int interface is full-scale 32-bit; go through 16-bit so clipping matches the PCM formats
                    pcm[i] = Pcm.toS16(samples[off + i]) << 16;
                }
                byte[] buf = new byte[(int) (1.25 * n) + 7200];
                int len = m.lame.lame_encode_buffer_int(gfp, pcm, pcm, n, buf, 0, buf.length);
                if (len < 0) {
                    throw new Maya1Exception("MP3 encoding failed (LAME error " + len + ")");
                }
                out.write(buf, 0, len);
            }
            return out.toByteArray();
        }

        @Override
        public byte[] finish() {
            if (finished) {
                return new byte[0];
            }
            finished = true;
            byte[] buf = new byte[7200 * 2];
            int len = m.lame.lame_encode_flush(gfp, buf, 0, buf.length);
            m.lame.lame_close(gfp);
            if (len < 0) {
                throw new Maya1Exception("MP3 flush failed (LAME error " + len + ")");
            }
            return Arrays.copyOf(buf, len);
        }
    }

    static Mp3.Decoded decode(byte[] mp3) {
        Modules m = new Modules();
        MPGLib.mpstr_tag h = m.mpg.hip_decode_init();
        MP3Data data = new MP3Data();
        short[] left = new short[1152 * 2];
        short[] right = new short[1152 * 2];
        float[] out = new float[mp3.length * 8 + 4608];
        int count = 0;
        int chunk = 4096;
        try {
            for (int off = 0; off <= mp3.length; off += chunk) {
                int n = Math.min(chunk, mp3.length - off);
                byte[] in = Arrays.copyOfRange(mp3, off, off + n);
                int got = m.mpg.hip_decode1_headers(h, in, n, left, right, data);
                while (got != 0) {
                    if (got < 0) {
                        throw new Maya1Exception("MP3 data is invalid near byte " + off);
                    }
                    if (count + got > out.length) {
                        out = Arrays.copyOf(out, (count + got) * 2);
                    }
                    for (int i = 0; i < got; i++) {
                        out[count++] = left[i] / 32768f;
                    }
                    got = m.mpg.hip_decode1_headers(h, new byte[0], 0, left, right, data);
                }
                if (n == 0) {
                    break;
                }
            }
        } finally {
            m.mpg.hip_decode_exit(h);
        }
        if (!data.header_parsed) {
            throw new Maya1Exception("no MP3 frame found");
        }
        return new Mp3.Decoded(data.samplerate, Arrays.copyOf(out, count));
    }
}
