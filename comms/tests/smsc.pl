#!/usr/bin/perl
# A fake SMSC for the SMPP tests: a real SMPP 3.4 server over TCP (Debian's libnet-smpp-perl,
# Net::SMPP->new_listen), not a mock of the adapter. It accepts binds, answers each submit_sm
# with a message id, appends every submit (and every receipt it hands out) to a JSON-lines file,
# and sends a delivery receipt (deliver_sm, esm_class 0x04) for each message that asks for one,
# as an SMSC does: to a receiver bind if one is up, else back on the bind that submitted, else
# to whichever bind comes next; a receipt not answered with deliver_sm_resp status 0 is sent
# again a second later.
#
#   perl smsc.pl --port 2775 --record submits.jsonl [--system-id abonent --password secret]
#                [--throttle N [--throttle-after K]] [--reject PHONE]... [--undeliverable PHONE]...
#                [--receipt-delay S] [--mo PHONE:TEXT]...
#
# --throttle N answers N submits (after the first K) with ESME_RTHROTTLED; --reject answers a
# submit to that number with ESME_RINVDSTADR; --undeliverable takes it but reports
# stat:UNDELIV; --mo sends that text from that phone (UCS-2) to the first bind that receives.
use strict;
use warnings;
use Encode qw(decode encode);
use Getopt::Long;
use IO::Select;
use JSON::PP;
use Net::SMPP;
use POSIX qw(strftime);
use Time::HiRes qw(time);

my ($port, $record, $system_id, $password, $throttle, $after, $delay) = (2775, '', '', '', 0, 0, 0);
my (@reject, @undeliverable, @mo);
GetOptions(
    'port=i'          => \$port,
    'record=s'        => \$record,
    'system-id=s'     => \$system_id,
    'password=s'      => \$password,
    'throttle=i'      => \$throttle,
    'throttle-after=i' => \$after,
    'reject=s'        => \@reject,
    'undeliverable=s' => \@undeliverable,
    'receipt-delay=f' => \$delay,
    'mo=s'            => \@mo,
) or die "usage: see the header of $0\n";
my %rejected      = map { $_ => 1 } @reject;
my %undeliverable = map { $_ => 1 } @undeliverable;

use constant {
    ESME_ROK        => 0x00,
    ESME_RINVBNDSTS => 0x04,
    ESME_RINVDSTADR => 0x0B,
    ESME_RBINDFAIL  => 0x0D,
    ESME_RTHROTTLED => 0x58,
};
my %BIND = (0x01 => 'rx', 0x02 => 'tx', 0x09 => 'trx');
my %BIND_RESP = (rx => 'bind_receiver_resp', tx => 'bind_transmitter_resp',
                 trx => 'bind_transceiver_resp');

$SIG{TERM} = $SIG{INT} = sub { exit 0 };
$SIG{PIPE} = 'IGNORE';
$| = 1;

my $json = JSON::PP->new->canonical;
my $out;
if ($record) {
    open $out, '>>', $record or die "cannot write $record: $!";
    $out->autoflush(1);
}
sub note { print {$out} $json->encode($_[0]), "\n" if $out }

my $listener = Net::SMPP->new_listen('127.0.0.1', port => $port, smpp_version => 0x34)
    or die "cannot listen on $port: $!";
my $select = IO::Select->new($listener);
my %sessions;      # fileno => {sock, bound, system_id, inflight => {seq => receipt}}
my @pending;       # receipts waiting for a bind to take them
my ($submits, $next_id) = (0, int(time * 1000));    # ids not reused after a restart
for (@mo) {
    my ($from, $text) = split /:/, $_, 2;
    push @pending, { mo => 1, from => $from, to => 'Abonent', text => $text, due => 0 };
}
print "listening on $port\n";

sub close_session {
    my ($session) = @_;
    push @pending, map { { %$_, due => time + 1 } } values %{ $session->{inflight} };
    $select->remove($session->{sock});
    delete $sessions{ fileno $session->{sock} };
    close $session->{sock};
}

sub receipt_text {
    my ($r) = @_;
    my $date = strftime('%y%m%d%H%M', localtime);
    return sprintf('id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:%s',
        $r->{id}, $r->{stat} eq 'DELIVRD' ? '001' : '000', $r->{submitted}, $date, $r->{stat},
        $r->{stat} eq 'DELIVRD' ? '000' : '001', '');
}

sub handle {
    my ($session, $pdu) = @_;
    my ($sock, $cmd, $seq) = ($session->{sock}, $pdu->{cmd}, $pdu->{seq});
    if (my $kind = $BIND{$cmd}) {
        my $ok = (!$system_id || $pdu->{system_id} eq $system_id)
            && (!$password || $pdu->{password} eq $password);
        my $method = $BIND_RESP{$kind};
        $sock->$method(seq => $seq, system_id => 'fakesmsc',
                       status => $ok ? ESME_ROK : ESME_RBINDFAIL);
        @$session{qw(bound system_id)} = ($kind, $pdu->{system_id}) if $ok;
        note({ event => 'bind', kind => $kind, ok => $ok ? JSON::PP::true : JSON::PP::false });
    } elsif ($cmd == 0x04) {    # submit_sm
        my $dest = $pdu->{destination_addr};
        my $status = !($session->{bound} && $session->{bound} ne 'rx') ? ESME_RINVBNDSTS
                   : ($submits++ >= $after && $submits <= $after + $throttle) ? ESME_RTHROTTLED
                   : $rejected{$dest}       ? ESME_RINVDSTADR
                   :                          ESME_ROK;
        my $id = $status == ESME_ROK ? sprintf('%x', $next_id++) : '';
        $sock->submit_sm_resp(seq => $seq, message_id => $id, status => $status);
        note({
            event               => 'submit',
            status              => $status,
            message_id          => $id,
            source_addr         => $pdu->{source_addr},
            source_addr_ton     => $pdu->{source_addr_ton},
            destination_addr    => $dest,
            esm_class           => $pdu->{esm_class},
            data_coding         => $pdu->{data_coding},
            registered_delivery => $pdu->{registered_delivery},
            short_message       => unpack('H*', $pdu->{short_message}),
        });
        if ($status == ESME_ROK && ($pdu->{registered_delivery} & 0x03)) {
            push @pending, {
                id        => $id,
                from      => $pdu->{source_addr},
                to        => $dest,
                stat      => $undeliverable{$dest} ? 'UNDELIV' : 'DELIVRD',
                submitted => strftime('%y%m%d%H%M', localtime),
                origin    => fileno $sock,
                due       => time + $delay,
            };
        }
    } elsif ($cmd == 0x80000005) {    # deliver_sm_resp
        my $r = delete $session->{inflight}{$seq} or return;
        note({ event => $r->{mo} ? 'mo' : 'receipt', message_id => $r->{id} // '',
               status => $pdu->{status} });
        push @pending, { %$r, due => time + 1 } if $pdu->{status} != ESME_ROK;
    } elsif ($cmd == 0x15) {
        $sock->enquire_link_resp(seq => $seq);
    } elsif ($cmd == 0x06) {
        # Answered, but open until the peer closes: the answers to receipts that crossed the
        # unbind still come.
        $sock->unbind_resp(seq => $seq);
        $session->{bound} = '';
    } elsif ($cmd == 0x80000015) {
    } else {
        $sock->generic_nack(seq => $seq, status => 0x03);    # ESME_RINVCMDID
    }
}

sub can_receive { $_[0] && $_[0]->{bound} && $_[0]->{bound} ne 'tx' }

sub deliver_receipts {
    my $now = time;
    my (@later, @receivers);
    @receivers = grep { ($_->{bound} // '') eq 'rx' } values %sessions;
    for my $r (@pending) {
        my $session = $receivers[ int rand @receivers ];
        $session = $sessions{ $r->{origin} } if !$session && can_receive($sessions{ $r->{origin} });
        ($session) = grep { can_receive($_) } values %sessions if !$session;
        if ($r->{due} > $now || !$session) {
            push @later, $r;
            next;
        }
        if ($r->{mo}) {
            my $seq = $session->{sock}->deliver_sm(
                async            => 1,
                source_addr_ton  => 1,
                source_addr_npi  => 1,
                source_addr      => $r->{from},
                destination_addr => $r->{to},
                esm_class        => 0,
                data_coding      => 8,
                short_message    => encode('UTF-16BE', decode('UTF-8', $r->{text})),
            );
            $session->{inflight}{$seq} = $r;
            next;
        }
        my $seq = $session->{sock}->deliver_sm(
            async               => 1,
            source_addr_ton     => 1,
            source_addr_npi     => 1,
            source_addr         => $r->{to},
            dest_addr_ton       => 5,
            destination_addr    => $r->{from},
            esm_class           => 0x04,
            data_coding         => 0,
            short_message       => receipt_text($r),
            receipted_message_id => "$r->{id}\0",
            message_state       => pack('C', $r->{stat} eq 'DELIVRD' ? 2 : 5),
        );
        $session->{inflight}{$seq} = $r;
    }
    @pending = @later;
}

while (1) {
    for my $sock ($select->can_read(0.02)) {
        if ($sock == $listener) {
            my $client = $listener->accept or next;
            $select->add($client);
            $sessions{ fileno $client } = { sock => $client, bound => '', inflight => {} };
            next;
        }
        my $session = $sessions{ fileno $sock } or next;
        my $pdu = $sock->read_pdu;
        if (!$pdu) {
            close_session($session);
            next;
        }
        handle($session, $pdu);
    }
    deliver_receipts();
}
